-- For each value of an indicator with an agreed target (registry/targets.yml), whether it meets
-- it. Targets apply to the partners and the Kooperationsraum; a partner-specific target replaces
-- the general one. "close": missed by no more than close_within_percent of the target.
with

indicator_values as (
    select * from {{ ref('fct_indicator_value') }}
),

targets as (
    select * from {{ ref('stg_registry__targets') }}
),

regions as (
    select * from {{ ref('dim_region') }}
),

applicable as (
    select
        regions.ars as region_ars,
        regions.partner_id,
        targets.*  exclude (partner_id),
    from regions
    inner join targets
        on targets.partner_id is null or targets.partner_id = regions.partner_id
    where regions.is_partner or regions.level = 'kooperationsraum'
    qualify row_number() over (
        partition by regions.ars, targets.indicator_id
        order by targets.partner_id is null
    ) = 1
),

assessed as (
    select
        indicator_values.region_ars,
        applicable.partner_id,
        indicator_values.indicator_id,
        indicator_values.period,
        indicator_values.period_start,
        indicator_values.value,
        applicable.target_value,
        applicable.comparison as target_comparison,
        applicable.close_within_percent,
        case applicable.comparison
            when 'at_least' then indicator_values.value >= applicable.target_value
            when 'at_most' then indicator_values.value <= applicable.target_value
        end as is_met,
        abs(indicator_values.value - applicable.target_value)
            <= abs(applicable.target_value) * applicable.close_within_percent / 100
            as is_close,
    from indicator_values
    inner join applicable using (region_ars, indicator_id)
    where not indicator_values.is_suppressed
),

final as (
    select
        region_ars,
        partner_id,
        indicator_id,
        period,
        period_start,
        value,
        target_value,
        target_comparison,
        close_within_percent,
        case
            when is_met then 'met'
            when is_close then 'close'
            else 'missed'
        end as status,
    from assessed
)

select * from final
