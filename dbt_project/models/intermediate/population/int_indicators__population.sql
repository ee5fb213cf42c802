-- Population indicators per region: at the census reference date the count and the region's
-- share of the Land and of the Kooperationsraum; at each 31 December (Regionalstatistik) the
-- count and the change on the previous year (numerator and denominator kept). Every value lists
-- every load it comes from (a share: the region's and the total's; a change: both years'), so a
-- value is sample data whenever any of its inputs is.
-- A table, not a view: a build that does not touch this domain's sources reads it instead of
-- recomputing it from the raw data (see regiohub.build.incremental).
{{ config(materialized='table') }}

with

population as (
    select * from {{ ref('int_population__by_region') }}
),

annual as (
    select * from {{ ref('int_population__annual_by_region') }}
),

rollup as (
    select * from {{ ref('int_regions__gemeinde_rollup') }}
    where not coalesce(is_ended, false)
),

cooperation as (
    select * from {{ ref('stg_registry__cooperation') }}
),

totals as (
    select
        population.reference_date,
        max(population.population) filter (where population.region_ars = cooperation.land_ars) as land,
        first(population.load_ids) filter (where population.region_ars = cooperation.land_ars) as land_load_ids,
        max(population.population) filter (
            where population.region_ars = cooperation.cooperation_ars
        ) as cooperation,
        first(population.load_ids) filter (
            where population.region_ars = cooperation.cooperation_ars
        ) as cooperation_load_ids,
    from population
    cross join cooperation
    group by population.reference_date
),

-- regions inside the Kooperationsraum (itself, its units and their Ämter and Gemeinden)
inside_cooperation as (
    select distinct rollup.region_ars
    from rollup
    cross join cooperation
    where rollup.region_level <> 'land'
        and rollup.gemeinde_ars in (
            select r.gemeinde_ars from rollup as r
            where r.region_ars = cooperation.cooperation_ars
        )
),

measures as (
    select
        population.region_ars,
        population.reference_date,
        unnest([
            'bevoelkerung', 'bevoelkerungsanteil_land',
            'bevoelkerungsanteil_kooperationsraum'
        ]) as indicator_id,
        population.population as numerator,
        unnest([
            null, totals.land,
            case when inside.region_ars is not null then totals.cooperation end
        ]) as denominator,
        unnest([1, 100, 100]) as scale,
        unnest([
            population.load_ids,
            list_concat(population.load_ids, totals.land_load_ids),
            list_concat(population.load_ids, totals.cooperation_load_ids)
        ]) as load_ids,
        unnest([population.basis, 'berechnet', 'berechnet']) as basis,
    from population
    inner join totals using (reference_date)
    left join inside_cooperation as inside using (region_ars)
),

annual_measures as (
    select
        this_year.region_ars,
        this_year.reference_date,
        unnest(['bevoelkerung_jahresende', 'bevoelkerung_veraenderung']) as indicator_id,
        unnest([
            this_year.population, this_year.population - previous.population
        ]) as numerator,
        unnest([null, previous.population]) as denominator,
        unnest([1, 100]) as scale,
        unnest([
            this_year.load_ids, list_concat(this_year.load_ids, previous.load_ids)
        ]) as load_ids,
        unnest([this_year.basis, 'berechnet']) as basis,
    from annual as this_year
    left join annual as previous
        on previous.region_ars = this_year.region_ars
        and previous.reference_date = this_year.reference_date - interval 1 year
),

all_measures as (
    select * from measures
    union all
    select * from annual_measures
),

final as (
    select
        region_ars,
        indicator_id,
        strftime(reference_date, '%Y-%m-%d') as period,
        reference_date as period_start,
        reference_date as period_end,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        case
            when scale = 1 then cast(numerator as double)
            else round(numerator / denominator * scale, 2)
        end as value,
        list_sort(list_distinct(list_filter(load_ids, lambda x: x is not null))) as source_load_ids,
        -- how the figure was obtained: "amtlich" (the publisher's own row), "Summe der Gemeinden",
        -- "Summe der Kreise", "Summe der Partner auf Kreisebene" (re-summed), "berechnet" (a share or change)
        basis,
    from all_measures
    where scale = 1 or denominator > 0
)

select * from final
