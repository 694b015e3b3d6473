/**
 * `npm run elt -- status`: recent runs, last success per source and per entity, quarantine, data available,
 * endpoint health.
 */
import type { EntityStatus, StatusReport } from '../kit/warehouse/warehouse.js';
import { formatCount, formatTime, renderTable } from './table.js';

const ERROR_SHOWN = 80;

function entityRow(e: EntityStatus): string[] {
  const count = (n: number | undefined) => (n === undefined ? '' : formatCount(n));
  const problem = e.lastProblem ? `${e.lastProblem.status} ${formatTime(e.lastProblem.finishedAt)}: ${e.lastProblem.error ?? ''}` : '';
  return [
    e.source,
    e.entity,
    e.instance,
    formatTime(e.lastSuccess?.finishedAt),
    e.position ?? '-',
    count(e.lastSuccess?.rowsSeen),
    count(e.lastSuccess?.rowsLanded),
    count(e.lastSuccess?.rowsQuarantined),
    problem.length > ERROR_SHOWN ? `${problem.slice(0, ERROR_SHOWN - 3)}...` : problem,
  ];
}

export function renderStatus(report: StatusReport, warehouse: string): string {
  const out: string[] = [`Warehouse: ${warehouse}`, '', 'Recent runs'];
  out.push(
    report.runs.length
      ? renderTable(
          ['run', 'started', 'finished', 'status', 'mode', 'dbt', 'error'],
          report.runs.map((r) => [String(r.runId), formatTime(r.startedAt), formatTime(r.finishedAt), r.status, r.demo ? 'demo' : 'real', r.dbtStatus ?? '-', (r.error ?? '').slice(0, 80)]),
        )
      : '(no runs yet)',
  );
  out.push('', 'Last success per source');
  out.push(
    report.lastSuccess.length
      ? renderTable(['source', 'finished', 'new versions'], report.lastSuccess.map((s) => [s.source, formatTime(s.finishedAt), formatCount(s.rowsLanded)]))
      : '(none yet)',
  );
  out.push('', 'Entities (last completed sync, saved position, a failure since)');
  out.push(
    report.entities.length
      ? renderTable(
          ['source', 'entity', 'instance', 'last success', 'position', 'rows seen', 'new versions', 'quarantined', 'last error'],
          report.entities.map(entityRow),
        )
      : '(none yet)',
  );
  out.push('', 'Quarantined records (elt.quarantine)');
  out.push(
    report.quarantine.length
      ? renderTable(['source', 'entity', 'records', 'latest'], report.quarantine.map((q) => [q.source, q.entity, formatCount(q.count), formatTime(q.latest)]))
      : '(none)',
  );
  out.push('', 'Raw data available');
  out.push(
    renderTable(
      ['table', 'instances', 'keys', 'versions', 'first loaded', 'last loaded'],
      report.tables.map((t) => [t.table, formatCount(t.instances), formatCount(t.keys), formatCount(t.versions), formatTime(t.firstLoadedAt), formatTime(t.lastLoadedAt)]),
    ),
  );
  if (report.endpoints.length) {
    out.push('', 'Endpoint health (last 10 runs)');
    out.push(
      renderTable(
        ['source', 'endpoint', 'requests', 'success', 'mean latency', '429s', 'last success', 'circuit'],
        report.endpoints.map((e) => [
          e.source,
          e.endpoint,
          formatCount(e.requests),
          e.requests ? `${(((e.requests - e.failures) / e.requests) * 100).toFixed(1)}%` : '-',
          `${Math.round(e.meanLatencyMs)} ms`,
          formatCount(e.throttled),
          formatTime(e.lastSuccessAt),
          e.circuit,
        ]),
      ),
    );
  }
  return out.join('\n');
}
