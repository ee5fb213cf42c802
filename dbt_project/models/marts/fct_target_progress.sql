-- Progress towards each target, per partner and for the Kooperationsraum, by the published rule of
-- Open SDG (after Eurostat): the compound annual growth rate observed since the base period against
-- the one required to reach the target value in the target period. Partners without an own value
-- are judged on the value of their Kreis, as fct_partner_indicator_value shows it (is_inherited).
with

partner_values as (
    select * from {{ ref('fct_partner_indicator_value') }}
),

indicator_values as (
    select * from {{ ref('fct_indicator_value') }}
),

targets as (
    select * from {{ ref('stg_registry__targets') }}
),

regions as (
    select * from {{ ref('dim_region') }}
),

series as (
    select
        partner_id,
        partner_ars as region_ars,
        indicator_id,
        period,
        period_start,
        value,
        is_inherited,
        measured_ars,
        is_sample,
    from partner_values
    where not is_suppressed and value is not null
    union all
    select
        null as partner_id,
        indicator_values.region_ars,
        indicator_values.indicator_id,
        indicator_values.period,
        indicator_values.period_start,
        indicator_values.value,
        false as is_inherited,
        indicator_values.region_ars as measured_ars,
        indicator_values.is_sample,
    from indicator_values
    inner join regions on regions.ars = indicator_values.region_ars
    where
        regions.level = 'kooperationsraum'
        and not indicator_values.is_suppressed
        and indicator_values.value is not null
),

applicable as (
    select
        regions.ars as region_ars,
        regions.partner_id,
        targets.* exclude (partner_id),
    from regions
    inner join targets
        on targets.partner_id is null or targets.partner_id = regions.partner_id
    where regions.is_partner or regions.level = 'kooperationsraum'
    qualify row_number() over (
        partition by regions.ars, targets.indicator_id
        order by targets.partner_id is null
    ) = 1
),

since_base as (
    select
        applicable.region_ars,
        applicable.indicator_id,
        series.period,
        series.period_start,
        series.value,
        series.is_inherited,
        series.measured_ars,
        series.is_sample,
        count(*) over (
            partition by applicable.region_ars, applicable.indicator_id
        ) as n_values,
        row_number() over (
            partition by applicable.region_ars, applicable.indicator_id
            order by series.period_start
        ) as from_first,
        row_number() over (
            partition by applicable.region_ars, applicable.indicator_id
            order by series.period_start desc
        ) as from_last,
    from applicable
    inner join series
        on
            series.region_ars = applicable.region_ars
            and series.indicator_id = applicable.indicator_id
            and series.period_start >= applicable.base_period_start
),

endpoints as (
    select
        region_ars,
        indicator_id,
        any_value(n_values) as n_values,
        any_value(period) filter (where from_first = 1) as base_value_period,
        any_value(period_start) filter (where from_first = 1) as base_value_start,
        any_value(value) filter (where from_first = 1) as base_value,
        any_value(period) filter (where from_last = 1) as latest_period,
        any_value(period_start) filter (where from_last = 1) as latest_period_start,
        any_value(value) filter (where from_last = 1) as latest_value,
        any_value(is_inherited) filter (where from_last = 1) as is_inherited,
        any_value(measured_ars) filter (where from_last = 1) as measured_ars,
        bool_or(is_sample) as is_sample,
    from since_base
    where from_first = 1 or from_last = 1
    group by region_ars, indicator_id
),

timed as (
    select
        applicable.*,
        endpoints.* exclude (region_ars, indicator_id),
        case applicable.comparison when 'at_least' then 1 else -1 end as direction,
        {{ decimal_year('endpoints.latest_period_start') }}
        - {{ decimal_year('endpoints.base_value_start') }} as years_observed,
        {{ decimal_year('applicable.target_period_start') }}
        - {{ decimal_year('endpoints.base_value_start') }} as years_to_target,
        case applicable.comparison
            when 'at_least' then endpoints.latest_value >= applicable.target_value
            when 'at_most' then endpoints.latest_value <= applicable.target_value
        end as is_achieved,
    from applicable
    left join endpoints using (region_ars, indicator_id)
),

reasoned as (
    select
        *,
        case
            when latest_value is null then 'no_value'
            when is_achieved then null
            when n_values < 2 or years_observed < 1 then 'too_short'
            when base_value <= 0 or latest_value <= 0 then 'not_positive'
            when years_to_target <= 0 then 'target_before_base'
        end as not_assessable_reason,
    from timed
),

rated as (
    select
        *,
        case when not_assessable_reason is null and not coalesce(is_achieved, false)
                then pow(latest_value / base_value, 1 / years_observed) - 1
        end as observed_cagr,
        case when not_assessable_reason is null and not coalesce(is_achieved, false)
                then pow(target_value / base_value, 1 / years_to_target) - 1
        end as required_cagr,
    from reasoned
),

final as (
    select
        region_ars,
        partner_id,
        indicator_id,
        agreement,
        comparison as target_comparison,
        base_period,
        base_value_period,
        base_value,
        latest_period,
        latest_period_start,
        latest_value,
        target_period,
        target_value,
        case when is_achieved then 0 else abs(target_value - latest_value) end as gap,
        observed_cagr,
        required_cagr,
        case when required_cagr <> 0
                then direction * observed_cagr / abs(required_cagr)
        end as progress_ratio,
        case
            when is_achieved then 'achieved'
            when not_assessable_reason is not null then 'not_assessable'
            when target_value is null
                then case
                    when direction * observed_cagr >= 0.015 then 'on_track'
                    when direction * observed_cagr >= 0.005 then 'acceleration_needed'
                    when direction * observed_cagr >= 0 then 'limited_progress'
                    else 'deterioration'
                end
            when required_cagr = 0 or direction * observed_cagr < 0 then 'deterioration'
            when direction * observed_cagr / abs(required_cagr) >= 0.95 then 'on_track'
            when direction * observed_cagr / abs(required_cagr) >= 0.6 then 'acceleration_needed'
            else 'limited_progress'
        end as progress_class,
        not_assessable_reason,
        coalesce(is_inherited, false) as is_inherited,
        measured_ars,
        coalesce(is_sample, false) as is_sample,
        note,
    from rated
)

select * from final
