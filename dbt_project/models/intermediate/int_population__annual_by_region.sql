-- Population on 31 December (Regionalstatistik 12411) per region on today's territory: Gemeinde
-- values under old keys count for their successor; a region-year is kept only when every
-- Gemeinde of the region has a value ("-" means nothing, i.e. 0; "." secret makes it incomplete).
with

population as (
    select * from {{ ref('stg_regionalstatistik__population') }}
),

ags_keys as (
    select * from {{ ref('int_regions__ags_keys') }}
),

current_keys as (
    select * from {{ ref('int_regions__current_keys') }}
),

rollup as (
    select * from {{ ref('int_regions__gemeinde_rollup') }}
),

per_gemeinde as (
    select
        current_keys.current_ars as gemeinde_ars,
        population.reference_date,
        sum(coalesce(
            population.population,
            case when population.quality_flag = '-' then 0 end
        )) as population,
        bool_and(
            population.population is not null or population.quality_flag = '-'
        ) as is_complete,
        max(population.load_id) as load_id,
    from population
    inner join ags_keys on ags_keys.ags = population.ags
    inner join current_keys on current_keys.ars = ags_keys.ars
    group by all
),

region_sizes as (
    select region_ars, count(*) as n_gemeinden, from rollup group by all
),

summed as (
    select
        rollup.region_ars,
        per_gemeinde.reference_date,
        sum(per_gemeinde.population) as population,
        count(*) filter (where per_gemeinde.is_complete) as n_complete,
        max(per_gemeinde.load_id) as load_id,
    from per_gemeinde
    inner join rollup on rollup.gemeinde_ars = per_gemeinde.gemeinde_ars
    group by all
),

final as (
    select summed.region_ars, summed.reference_date, summed.population, summed.load_id,
    from summed
    inner join region_sizes using (region_ars)
    where summed.n_complete = region_sizes.n_gemeinden
)

select * from final
