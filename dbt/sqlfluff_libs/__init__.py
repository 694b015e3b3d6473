"""
What sqlfluff's jinja templater needs besides its dbt builtins (ref, source, config, var, is_incremental, this)
to render this project's models as dbt renders them on PostgreSQL: `adapter.dispatch` picks the project's
postgres__ macros and dbt's cross-database macros render their PostgreSQL SQL. `flags.WHICH` is 'compile' and
the builtin var() is truthy, so the models render as `dbt compile --vars '{compile_incremental: true}'` shows
them: the incremental form, every watermark 0, no database asked. sqlfluff also renders the branches of a
model's own {% if %} that this leaves out (the full-build form).
"""

import datetime as _datetime
import re as _re
import types as _types

from jinja2 import pass_context as _pass_context


class _Adapter:
    @staticmethod
    @_pass_context
    def dispatch(context, macro_name, macro_namespace=None):
        for prefix in ("postgres__", "default__"):
            macro = context.get(prefix + macro_name)
            if macro is not None:
                return macro
        raise NameError(f"no postgres__ or default__ implementation of {macro_name}")

    @staticmethod
    def quote(identifier):
        return f'"{identifier}"'


class _Dbt:
    """dbt's cross-database macros, as dbt-postgres renders them."""

    @staticmethod
    def type_string():
        return "text"

    @staticmethod
    def type_int():
        return "integer"

    @staticmethod
    def type_bigint():
        return "bigint"

    @staticmethod
    def type_float():
        return "float"

    @staticmethod
    def current_timestamp():
        return "now()"

    @staticmethod
    def hash(field):
        return f"md5(cast({field} as text))"

    @staticmethod
    def concat(fields):
        return f"({' || '.join(fields)})"

    @staticmethod
    def listagg(measure, delimiter_text="','", order_by_clause=None, limit_num=None):
        order_by = f" {order_by_clause}" if order_by_clause else ""
        return f"string_agg({measure}, {delimiter_text}{order_by})"

    @staticmethod
    def datediff(first_date, second_date, datepart):
        return f"(cast({second_date} as date) - cast({first_date} as date))"


class _Target:
    type = "postgres"
    name = "local"
    schema = "analytics"
    database = "elt"


class _Flags:
    WHICH = "compile"
    FULL_REFRESH = False


adapter = _Adapter()
dbt = _Dbt()
target = _Target()
flags = _Flags()
execute = False
run_started_at = _datetime.datetime(2025, 1, 1, tzinfo=_datetime.timezone.utc)
modules = _types.SimpleNamespace(re=_re, datetime=_datetime)
