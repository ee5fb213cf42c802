-- Health indicators per Kreis and reporting day, and for the Kooperationsraum and the Land as
-- sums over their Kreise: counts add up, rates are recomputed from the summed cases and
-- population (never averaged). Disclosure control happens downstream, on the unioned values.
-- A table, not a view: a build that does not touch this domain's sources reads it instead of
-- recomputing it from the raw data (see regiohub.build.incremental).
{{ config(materialized='table') }}

with

incidence as (
    select * from {{ ref('stg_rki__incidence') }}
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

kreise as (
    select incidence.*
    from incidence
    inner join regions
        on regions.ars = incidence.kreis_ars and regions.level = 'kreis'
),

aggregates as (
    select kreis_ars as region_ars, kreise.* exclude (kreis_ars),
    from kreise
    union all
    select units.cooperation_ars, kreise.* exclude (kreis_ars),
    from kreise
    inner join units on units.unit_ars = kreise.kreis_ars
    union all
    select cooperation.land_ars, kreise.* exclude (kreis_ars),
    from kreise
    cross join cooperation
),

summed as (
    select
        region_ars,
        report_date,
        sum(cases_7_days) as cases_7_days,
        sum(cases_new) as cases_new,
        sum(cases_total) as cases_total,
        sum(population) as population,
        list_sort(list_distinct(list(load_id))) as load_ids,
    from aggregates
    group by region_ars, report_date
),

measures as (
    select
        region_ars,
        report_date,
        unnest([
            'faelle_7_tage', 'faelle_neu', 'faelle_kumuliert',
            'inzidenz_7_tage', 'faelle_kumuliert_je_100000_ew'
        ]) as indicator_id,
        unnest([
            cases_7_days, cases_new, cases_total, cases_7_days, cases_total
        ]) as numerator,
        unnest([null, null, null, population, population]) as denominator,
        load_ids,
    from summed
),

final as (
    select
        region_ars,
        indicator_id,
        strftime(report_date, '%Y-%m-%d') as period,
        report_date as period_start,
        report_date as period_end,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        case
            when denominator is null then cast(numerator as double)
            else round(numerator / denominator * 100000, 1)
        end as value,
        load_ids as source_load_ids,
    from measures
    where denominator is null or denominator > 0
)

select * from final
