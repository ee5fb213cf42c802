-- The population per-capita indicators divide by: per region, which population counts for which
-- calendar years — the one of 31 December of the year (Regionalstatistik) where known, else the
-- latest earlier one (census 2022 or an earlier year end), always on today's territory.
-- Join on year between from_year and to_year.
with

census as (
    select * from {{ ref('int_population__by_region') }}
),

annual as (
    select * from {{ ref('int_population__annual_by_region') }}
),

population as (
    select region_ars, reference_date, population, load_id, load_ids, from census
    union all
    select region_ars, reference_date, population, load_id, load_ids, from annual
),

final as (
    select
        region_ars,
        population,
        reference_date,
        year(reference_date) as from_year,
        coalesce(
            lead(year(reference_date)) over (
                partition by region_ars order by reference_date
            ) - 1,
            9999
        ) as to_year,
        load_id,
        -- every load the figure adds up (a per-capita value lists them all in its lineage)
        load_ids,
    from population
    -- one population per region and year: the latest reference date of that year
    qualify row_number() over (
        partition by region_ars, year(reference_date) order by reference_date desc
    ) = 1
)

select * from final
