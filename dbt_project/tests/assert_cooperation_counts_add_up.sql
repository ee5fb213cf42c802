-- Counts for the Kooperationsraum equal the sum over its non-overlapping units (the partners at
-- Kreis level; nobody is counted twice, nobody is left out). Rows returned are failures.
with

indicator_values as (
    select * from {{ ref('fct_indicator_value') }}
),

units as (
    select ars from {{ ref('dim_region') }} where is_cooperation_unit
),

cooperation as (
    select cooperation_ars from {{ ref('stg_registry__cooperation') }}
),

counts as (
    select indicator_id from {{ ref('dim_indicator') }}
    where unit in ('Anzahl', 'Personen')
),

unit_sums as (
    select indicator_id, period_start, sum(value) as units_total, count(value) as n_units,
    from indicator_values
    where region_ars in (select ars from units)
        and indicator_id in (select indicator_id from counts)
    group by all
),

region as (
    select indicator_id, period_start, value as region_total,
    from indicator_values
    where region_ars in (select cooperation_ars from cooperation)
        and indicator_id in (select indicator_id from counts)
        and not is_suppressed
)

select *
from region
left join unit_sums using (indicator_id, period_start)
where unit_sums.n_units = (select count(*) from units) and unit_sums.units_total <> region.region_total
    or unit_sums.n_units is null
