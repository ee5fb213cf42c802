-- Census population per Gemeinde, summed up the hierarchy to Amt, Kreis and Land.
with

population as (
    select * from {{ ref('stg_zensus__population') }}
),

rollup as (
    select * from {{ ref('int_regions__gemeinde_rollup') }}
),

final as (
    select
        rollup.region_ars,
        population.reference_date,
        sum(population.population) as population,
        max(population.load_id) as load_id,
    from population
    inner join rollup on rollup.gemeinde_ars = population.ars
    group by all
)

select * from final
