-- SARS-CoV-2 load in wastewater per region and sample day: the flow-normalised gene copies per
-- litre as the RKI publishes them. Where several plants stand for one region, their values are
-- weighted by the inhabitants connected; a single plant's value passes unchanged.
-- A table, not a view: a build that does not touch this domain's sources reads it instead of
-- recomputing it from the raw data (see regiohub.build.incremental).
{{ config(materialized='table') }}

with

samples as (
    select * from {{ ref('stg_rki__wastewater') }}
),

sars_cov_2 as (
    select * from samples
    where pathogen = 'SARS-CoV-2' and viral_load_normalised is not null
),

by_region as (
    select
        region_ars,
        sample_date,
        case
            when count(*) = 1 then any_value(viral_load_normalised)
            else sum(viral_load_normalised * coalesce(population_connected, 1))
                / sum(coalesce(population_connected, 1))
        end as value,
        list_sort(list_distinct(list(load_id))) as load_ids,
    from sars_cov_2
    group by region_ars, sample_date
),

final as (
    select
        region_ars,
        'abwasser_viruslast' as indicator_id,
        strftime(sample_date, '%Y-%m-%d') as period,
        sample_date as period_start,
        sample_date as period_end,
        cast(value as double) as numerator,
        cast(null as double) as denominator,
        cast(value as double) as value,
        load_ids as source_load_ids,
    from by_region
)

select * from final
