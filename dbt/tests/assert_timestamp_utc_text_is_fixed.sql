{#-
  Version keys hash an instant's text. PostgreSQL's cast of a timestamptz to text follows the session time
  zone, so the keys use timestamp_utc_text instead: the same instant gives the same text on either warehouse
  and in any session. Returns a row when the text is not the fixed UTC form.
-#}
with instants as (

    select {{ epoch_ms_to_timestamp('1709312709123') }} as instant

)

select {{ timestamp_utc_text('instant') }} as key_text
from instants
where {{ timestamp_utc_text('instant') }} <> '2024-03-01T17:05:09.123000Z'
