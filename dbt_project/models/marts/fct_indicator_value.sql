-- One value per region, indicator and period — the joint indicator table, after disclosure
-- control (value, numerator and denominator are NULL where a cell is suppressed).
with

indicator_values as (
    select * from {{ ref('int_indicator_values__disclosure_controlled') }}
),

catalogue as (
    select * from {{ ref('dim_indicator') }}
),

sources as (
    select * from {{ ref('stg_registry__sources') }}
),

final as (
    select
        indicator_values.region_ars,
        indicator_values.indicator_id,
        indicator_values.period,
        indicator_values.period_start,
        indicator_values.period_end,
        indicator_values.value,
        catalogue.unit,
        catalogue.source_id,
        sources.is_sample,
        indicator_values.numerator,
        indicator_values.denominator,
        indicator_values.quality_flag,
        indicator_values.is_suppressed,
        indicator_values.source_load_ids,
    from indicator_values
    inner join catalogue using (indicator_id)
    inner join sources using (source_id)
)

select * from final
