-- Census population per Gemeinde on today's territory (ended keys mapped to their successor),
-- summed up the hierarchy to Amt, Kreis, Kooperationsraum and Land.
with

population as (
    select * from {{ ref('stg_zensus__population') }}
),

current_keys as (
    select * from {{ ref('int_regions__current_keys') }}
),

rollup as (
    select * from {{ ref('int_regions__gemeinde_rollup') }}
),

on_current_territory as (
    select
        current_keys.current_ars as gemeinde_ars,
        population.reference_date,
        population.population,
        population.load_id,
    from population
    inner join current_keys on current_keys.ars = population.ars
),

final as (
    select
        rollup.region_ars,
        on_current_territory.reference_date,
        sum(on_current_territory.population) as population,
        max(on_current_territory.load_id) as load_id,
    from on_current_territory
    inner join rollup on rollup.gemeinde_ars = on_current_territory.gemeinde_ars
    group by all
)

select * from final
