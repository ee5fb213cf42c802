-- Mobility indicators per region and calendar year: counts of charging infrastructure and rates
-- on the population of the same year and territory (numerator and denominator kept).
-- A table, not a view: a build that does not touch this domain's sources reads it instead of
-- recomputing it from the raw data (see regiohub.build.incremental).
{{ config(materialized='table') }}

with

charging as (
    select * from {{ ref('int_charging_points__by_region_year') }}
),

population as (
    select * from {{ ref('int_population__by_region_year') }}
),

joined as (
    select
        charging.*,
        population.population,
        -- every load the population figure adds up: a rate lists them all
        coalesce(population.load_ids, [population.load_id]) as population_load_ids,
    from charging
    left join population
        on population.region_ars = charging.region_ars
        and charging.year between population.from_year and population.to_year
),

measures as (
    select
        region_ars,
        year,
        unnest([
            'ladepunkte', 'schnellladepunkte', 'ladeeinrichtungen',
            'ladepunkte_je_10000_ew', 'schnellladepunkte_je_10000_ew',
            'anteil_schnellladepunkte', 'ladeleistung_je_1000_ew'
        ]) as indicator_id,
        unnest([
            charging_points, coalesce(fast_charging_points, 0), facilities,
            charging_points, coalesce(fast_charging_points, 0),
            coalesce(fast_charging_points, 0), power_kw
        ]) as numerator,
        unnest([
            null, null, null, population, population, charging_points, population
        ]) as denominator,
        unnest([1, 1, 1, 10000, 10000, 100, 1000]) as scale,
        unnest([0, 0, 0, 2, 2, 1, 1]) as decimals,
        unnest([false, false, false, true, true, false, true]) as per_capita,
        load_id,
        population_load_ids,
    from joined
),

final as (
    select
        region_ars,
        indicator_id,
        cast(year as varchar) as period,
        make_date(year, 1, 1) as period_start,
        make_date(year, 12, 31) as period_end,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        case
            when denominator is null then cast(numerator as double)
            else round(numerator / denominator * scale, decimals)
        end as value,
        list_distinct(list_filter(
            list_concat([load_id], case when per_capita then population_load_ids end),
            lambda x: x is not null
        )) as source_load_ids,
    from measures
    -- rates only where a denominator (e.g. a population for the year and territory) exists
    where denominator is null and not per_capita or denominator > 0
)

select * from final
