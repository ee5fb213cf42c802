-- Physician density per Kreis (Deutschlandatlas, published as rates). For the Kooperationsraum
-- and the Land the rate is recomputed from numerators derived as rate × population of the
-- Kreis in the reference year (today's territory) and the summed population — never averaged.
-- A table, not a view: a build that does not touch this domain's sources reads it instead of
-- recomputing it from the raw data (see regiohub.build.incremental).
{{ config(materialized='table') }}

with

atlas as (
    select * from {{ ref('stg_deutschlandatlas__kreis_indicators') }}
),

regions as (
    select * from {{ ref('int_regions__hierarchy') }}
),

units as (
    select * from {{ ref('int_regions__cooperation_units') }}
),

cooperation as (
    select * from {{ ref('stg_registry__cooperation') }}
),

population as (
    select * from {{ ref('int_population__by_region_year') }}
),

kreise as (
    select
        atlas.kreis_ars,
        case atlas.indicator
            when 'v_harzt' then 'hausaerzte_je_100000_ew'
            when 'v_karzt' then 'kinderaerzte_je_100000_ew'
        end as indicator_id,
        atlas.reference_year,
        atlas.value,
        atlas.value * population.population / 100000 as numerator,
        population.population as denominator,
        list_concat([atlas.load_id], coalesce(population.load_ids, [population.load_id])) as load_ids,
    from atlas
    inner join regions on regions.ars = atlas.kreis_ars and regions.level = 'kreis'
    inner join population
        on population.region_ars = atlas.kreis_ars
        and atlas.reference_year between population.from_year and population.to_year
    where atlas.indicator in ('v_harzt', 'v_karzt')
),

aggregates as (
    select units.cooperation_ars as region_ars, kreise.*,
    from kreise
    inner join units on units.unit_ars = kreise.kreis_ars
    union all
    select cooperation.land_ars, kreise.*, from kreise
    cross join cooperation
),

summed as (
    select
        region_ars,
        indicator_id,
        reference_year,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        round(sum(numerator) / sum(denominator) * 100000, 1) as value,
        list_distinct(flatten(list(load_ids))) as load_ids,
    from aggregates
    group by all
),

all_rows as (
    select kreis_ars as region_ars, indicator_id, reference_year, numerator,
        denominator, value, load_ids,
    from kreise
    union all
    select * from summed
),

final as (
    select
        region_ars,
        indicator_id,
        cast(reference_year as varchar) as period,
        make_date(reference_year, 1, 1) as period_start,
        make_date(reference_year, 12, 31) as period_end,
        round(numerator, 1) as numerator,
        cast(denominator as double) as denominator,
        cast(value as double) as value,
        list_sort(list_distinct(load_ids)) as source_load_ids,
    from all_rows
)

select * from final
