-- Census population per region on today's territory: each Gemeinde (ended keys mapped to their
-- successor), summed up the hierarchy to Amt, Kreis, Kooperationsraum and Land — a sum only when it is
-- complete: every Gemeinde of the region has a value and the answer held no key of the region that the
-- region reference does not know (such rows are quarantined at ingest; the rows of their Kreis and Land
-- carry the count). A Land row of the answer itself (GEOBL1) is the Land's official figure.
with

population as (
    select * from {{ ref('stg_zensus__population') }}
),

current_keys as (
    select * from {{ ref('int_regions__current_keys') }}
),

rollup as (
    select * from {{ ref('int_regions__gemeinde_rollup') }}
    where not coalesce(is_ended, false)
),

on_current_territory as (
    select
        current_keys.current_ars as gemeinde_ars,
        population.reference_date,
        sum(population.population) as population,
        max(population.unknown_keys_in_kreis) as unknown_keys_in_kreis,
        max(population.unknown_keys_in_land) as unknown_keys_in_land,
        list_distinct(list(population.load_id)) as load_ids,
    from population
    inner join current_keys on current_keys.ars = population.ars
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
        on_current_territory.reference_date,
        sum(on_current_territory.population) as population,
        count(*) as n_present,
        max(on_current_territory.unknown_keys_in_kreis) as unknown_keys_in_kreis,
        max(on_current_territory.unknown_keys_in_land) as unknown_keys_in_land,
        list_distinct(flatten(list(on_current_territory.load_ids))) as load_ids,
    from on_current_territory
    inner join rollup on rollup.gemeinde_ars = on_current_territory.gemeinde_ars
    group by all
),

official_land as (
    select
        rpad(population.ars, 12, '0') as region_ars,
        population.reference_date,
        population.population,
        [population.load_id] as load_ids,
        'amtlich' as basis,
    from population
    where population.level = 'land'
),

complete_sums as (
    select
        summed.region_ars,
        summed.reference_date,
        summed.population,
        summed.load_ids,
        case when region_sizes.n_gemeinden = 1 then 'amtlich' else 'Summe der Gemeinden' end as basis,
    from summed
    inner join region_sizes using (region_ars)
    where summed.n_present = region_sizes.n_gemeinden
        and (summed.region_level = 'gemeinde' or summed.unknown_keys_in_kreis = 0)
        and (summed.region_level <> 'land' or summed.unknown_keys_in_land = 0)
        and not exists (
            select 1 from official_land
            where official_land.region_ars = summed.region_ars
                and official_land.reference_date = summed.reference_date
        )
),

final as (
    select *, list_max(load_ids) as load_id, from official_land
    union all
    select *, list_max(load_ids) as load_id, from complete_sums
)

select region_ars, reference_date, population, load_id, load_ids, basis, from final
