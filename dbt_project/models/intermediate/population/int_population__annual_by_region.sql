-- Population on 31 December (Regionalstatistik 12411) per region on today's territory: the
-- official figure of each level. A Kreis and the Land come from the Kreis table (12411-01-01-4)
-- where it is loaded, never re-summed from Gemeinden; otherwise, and for Gemeinden and Ämter, from
-- the Gemeinde table (12411-01-01-5): values under old keys count for their successor, and a
-- region-year is kept only when every Gemeinde has a value ("-" is 0; a withheld value makes it
-- incomplete). The Kooperationsraum is the sum of its five units, only when all five are known.
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

units as (
    select * from {{ ref('int_regions__cooperation_units') }}
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
    where length(population.ags) = 8
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
    where rollup.region_level <> 'kooperationsraum'
    group by all
),

from_gemeinden as (
    select summed.region_ars, summed.reference_date, summed.population, summed.load_id,
    from summed
    inner join region_sizes using (region_ars)
    where summed.n_complete = region_sizes.n_gemeinden
),

-- Kreis and Land as published (5- and 2-digit keys), for today's Kreise and the Land only
official as (
    select
        rpad(population.ags, 12, '0') as region_ars,
        population.reference_date,
        population.population,
        population.load_id,
    from population
    where length(population.ags) in (2, 5)
        and rpad(population.ags, 12, '0') in (
            select region_ars from rollup where region_level in ('kreis', 'land')
        )
),

by_level as (
    select * from official
    union all
    select * from from_gemeinden
    where not exists (
        select 1 from official
        where official.region_ars = from_gemeinden.region_ars
            and official.reference_date = from_gemeinden.reference_date
    )
),

cooperation as (
    select
        units.cooperation_ars as region_ars,
        by_level.reference_date,
        sum(by_level.population) as population,
        max(by_level.load_id) as load_id,
    from by_level
    inner join units on units.unit_ars = by_level.region_ars
    group by all
    having count(*) = (select count(*) from units)
),

final as (
    select * from by_level
    union all
    select * from cooperation
)

select * from final
