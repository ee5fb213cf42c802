-- Population on 31 December (Regionalstatistik 12411) per region on today's territory: the official
-- figure of each level, one vintage per date (see stg_regionalstatistik__population).
-- * Gemeinde: its own row (table 12411-01-01-5); values under old keys count for their successor.
-- * Amt: the sum of its Gemeinden, only when every one has a value ("-" is 0; withheld: incomplete).
-- * Kreis: its own row (KREISE) unless the Gemeinde rows of that date are of a newer release; else the
--   sum of its Gemeinden when complete ("Summe der Gemeinden").
-- * Land: its own row (DLAND) unless the Kreis rows of that date are of a newer release (or real where
--   the Land row is a sample); else the sum of its Kreise when every Kreis has a figure
--   ("Summe der Kreise"); else the sum of its Gemeinden when complete. Never half sample, half real:
--   a sum takes one vintage per level, and its lineage lists every load it adds up.
-- * Kooperationsraum: the sum of its units, only when all are known.
-- No Kreis or Land sum is published when the answer held a key of it the region reference does not know.
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
    where not coalesce(is_ended, false)
),

units as (
    select * from {{ ref('int_regions__cooperation_units') }}
),

cooperation as (
    select * from {{ ref('stg_registry__cooperation') }}
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
        max(population.unknown_keys_in_kreis) as unknown_keys_in_kreis,
        max(population.unknown_keys_in_land) as unknown_keys_in_land,
        max(population.release_rank) as release_rank,
        list_distinct(list(population.load_id)) as load_ids,
    from population
    inner join ags_keys on ags_keys.ags = population.ags
    inner join current_keys on current_keys.ars = ags_keys.ars
    where population.level = 'gemeinde'
    group by all
),

region_sizes as (
    select region_ars, count(*) as n_gemeinden, from rollup group by all
),

summed as (
    select
        rollup.region_ars,
        rollup.region_level,
        per_gemeinde.reference_date,
        sum(per_gemeinde.population) as population,
        count(*) filter (where per_gemeinde.is_complete) as n_complete,
        max(per_gemeinde.unknown_keys_in_kreis) as unknown_keys_in_kreis,
        max(per_gemeinde.unknown_keys_in_land) as unknown_keys_in_land,
        max(per_gemeinde.release_rank) as release_rank,
        list_distinct(flatten(list(per_gemeinde.load_ids))) as load_ids,
    from per_gemeinde
    inner join rollup on rollup.gemeinde_ars = per_gemeinde.gemeinde_ars
    where rollup.region_level <> 'kooperationsraum'
    group by all
),

from_gemeinden as (
    select
        summed.region_ars,
        summed.region_level,
        summed.reference_date,
        summed.population,
        summed.release_rank,
        summed.load_ids,
        case when region_sizes.n_gemeinden = 1 then 'amtlich' else 'Summe der Gemeinden' end as basis,
    from summed
    inner join region_sizes using (region_ars)
    where summed.n_complete = region_sizes.n_gemeinden
        and (summed.region_level = 'gemeinde' or summed.unknown_keys_in_kreis = 0)
        and (summed.region_level <> 'land' or summed.unknown_keys_in_land = 0)
),

-- Kreis rows as published, for today's Kreise
official_kreise as (
    select
        rpad(population.ags, 12, '0') as region_ars,
        population.reference_date,
        population.population,
        population.release_rank,
        [population.load_id] as load_ids,
        population.unknown_keys_in_kreis,
        'amtlich' as basis,
    from population
    where population.level = 'kreis'
        and rpad(population.ags, 12, '0') in (select region_ars from rollup where region_level = 'kreis')
),

kreise as (
    select region_ars, reference_date, population, release_rank, load_ids, basis,
    from official_kreise
    where not exists (
        select 1 from from_gemeinden as g
        where g.region_ars = official_kreise.region_ars
            and g.reference_date = official_kreise.reference_date
            and g.release_rank > official_kreise.release_rank
    )
    union all
    select region_ars, reference_date, population, release_rank, load_ids, basis,
    from from_gemeinden as g
    where g.region_level = 'kreis'
        and not exists (
            select 1 from official_kreise
            where official_kreise.region_ars = g.region_ars
                and official_kreise.reference_date = g.reference_date
                and official_kreise.release_rank >= g.release_rank
        )
),

kreis_counts as (
    select count(distinct region_ars) as n_kreise, from rollup where region_level = 'kreis'
),

unknown_in_land as (
    select reference_date, max(unknown_keys_in_land) as unknown_keys,
    from population
    group by all
),

-- the Land as the sum of its Kreise: every Kreis has a figure, no unknown key in the Land
kreis_sum as (
    select
        cooperation.land_ars as region_ars,
        kreise.reference_date,
        sum(kreise.population) as population,
        max(kreise.release_rank) as release_rank,
        list_distinct(flatten(list(kreise.load_ids))) as load_ids,
        'Summe der Kreise' as basis,
    from kreise
    cross join cooperation
    left join unknown_in_land using (reference_date)
    where coalesce(unknown_in_land.unknown_keys, 0) = 0
    group by all
    having count(*) = (select n_kreise from kreis_counts)
),

official_land as (
    select
        population.ags as land_key,
        cooperation.land_ars as region_ars,
        population.reference_date,
        population.population,
        population.release_rank,
        [population.load_id] as load_ids,
        'amtlich' as basis,
    from population
    inner join cooperation on population.ags = cooperation.land_key
    where population.level = 'land'
),

land_candidates as (
    select region_ars, reference_date, population, release_rank, load_ids, basis, 1 as preference,
    from official_land
    union all
    select region_ars, reference_date, population, release_rank, load_ids, basis, 2,
    from kreis_sum
    union all
    select region_ars, reference_date, population, release_rank, load_ids, basis, 3,
    from from_gemeinden
    where region_level = 'land'
),

-- the newest vintage first; at equal vintage the Land's own row, then the sum of the Kreise
land as (
    select * exclude (preference)
    from land_candidates
    qualify row_number() over (
        partition by region_ars, reference_date order by release_rank desc, preference asc
    ) = 1
),

by_level as (
    select region_ars, reference_date, population, load_ids, basis,
    from from_gemeinden
    where region_level in ('gemeinde', 'verwaltungsgemeinschaft')
    union all
    select region_ars, reference_date, population, load_ids, basis, from kreise
    union all
    select region_ars, reference_date, population, load_ids, basis, from land
),

cooperation_region as (
    select
        units.cooperation_ars as region_ars,
        by_level.reference_date,
        sum(by_level.population) as population,
        list_distinct(flatten(list(by_level.load_ids))) as load_ids,
        'Summe der Partner auf Kreisebene' as basis,
    from by_level
    inner join units on units.unit_ars = by_level.region_ars
    group by all
    having count(*) = (select count(*) from units)
),

final as (
    select * from by_level
    union all
    select * from cooperation_region
)

select
    region_ars,
    reference_date,
    population,
    list_max(load_ids) as load_id,
    list_sort(load_ids) as load_ids,
    basis,
from final
