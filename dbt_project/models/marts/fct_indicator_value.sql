-- One value per region, indicator and period — the joint indicator table, after disclosure
-- control (value, numerator and denominator are NULL where a cell is suppressed).
with

indicator_values as (
    select * from {{ ref('int_indicator_values__disclosure_controlled') }}
),

catalogue as (
    select * from {{ ref('dim_indicator') }}
),

source_state as (
    select * from {{ ref('stg_registry__source_state') }}
),

real_loads as (
    select list(load_id) as load_ids from {{ ref('stg_registry__loads') }} where not is_sample
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
        -- sample data unless every load the value comes from is a publisher's or operator's file
        case
            when len(coalesce(indicator_values.source_load_ids, [])) = 0 then source_state.is_sample
            else coalesce(
                not list_has_all(real_loads.load_ids, indicator_values.source_load_ids), true
            )
        end as is_sample,
        indicator_values.numerator,
        indicator_values.denominator,
        indicator_values.quality_flag,
        indicator_values.is_suppressed,
        indicator_values.source_load_ids,
        indicator_values.basis,
    from indicator_values
    inner join catalogue using (indicator_id)
    inner join source_state using (source_id)
    cross join real_loads
)

select * from final
