/**
 * Typed query parameters: every statement we send carries its parameters with their BigQuery types, so
 * the REST request is explicit (no type guessing from JS values) and the offline tests can give the
 * ZetaSQL analyser the same types.
 */

export type ScalarParamType = 'STRING' | 'INT64' | 'FLOAT64' | 'BOOL' | 'TIMESTAMP';
export type ParamType = ScalarParamType | { array: ParamType } | { struct: readonly (readonly [string, ParamType])[] };

export interface Param {
  type: ParamType;
  value: unknown;
}

export interface Statement {
  sql: string;
  params: Record<string, Param>;
}

export const p = {
  string: (value: string | null): Param => ({ type: 'STRING', value }),
  int: (value: number | null): Param => ({ type: 'INT64', value }),
  float: (value: number | null): Param => ({ type: 'FLOAT64', value }),
  bool: (value: boolean | null): Param => ({ type: 'BOOL', value }),
  timestamp: (value: Date | null): Param => ({ type: 'TIMESTAMP', value }),
  array: (element: ParamType, value: readonly unknown[]): Param => ({ type: { array: element }, value }),
};

interface RestType {
  type: string;
  arrayType?: RestType;
  structTypes?: { name: string; type: RestType }[];
}

interface RestValue {
  value?: string;
  arrayValues?: RestValue[];
  structValues?: Record<string, RestValue>;
}

function restType(type: ParamType): RestType {
  if (typeof type === 'string') return { type };
  if ('array' in type) return { type: 'ARRAY', arrayType: restType(type.array) };
  return { type: 'STRUCT', structTypes: type.struct.map(([name, t]) => ({ name, type: restType(t) })) };
}

function restValue(type: ParamType, value: unknown): RestValue {
  if (value === null || value === undefined) return {};
  if (typeof type === 'string') {
    if (type === 'TIMESTAMP') return { value: (value as Date).toISOString() };
    return { value: String(value) };
  }
  if ('array' in type) return { arrayValues: (value as unknown[]).map((v) => restValue(type.array, v)) };
  const struct = value as Record<string, unknown>;
  return { structValues: Object.fromEntries(type.struct.map(([name, t]) => [name, restValue(t, struct[name])])) };
}

/** The REST `queryParameters` of a query job. */
export function restParameters(params: Record<string, Param>): unknown[] {
  return Object.entries(params).map(([name, param]) => ({
    name,
    parameterType: restType(param.type),
    parameterValue: restValue(param.type, param.value),
  }));
}
