-- Every partner with every indicator: its own values where the indicator is measured for its
-- territory, otherwise those of the enclosing Kreis (is_inherited), so each partner is answered
-- in every domain and readers see where a value comes from. Suppressed cells stay suppressed.
with

indicator_values as (
    select * from {{ ref('fct_indicator_value') }}
),

regions as (
    select * from {{ ref('dim_region') }}
),

available as (
    select distinct region_ars, indicator_id from indicator_values
),

partners as (
    select partner_id, partner_name, ars as partner_ars, kreis_ars
    from regions
    where is_partner
),

choice as (
    select
        partners.*,
        indicators.indicator_id,
        coalesce(own.region_ars, enclosing.region_ars) as measured_ars,
    from partners
    cross join (select distinct indicator_id from available) as indicators
    left join available as own
        on own.region_ars = partners.partner_ars
        and own.indicator_id = indicators.indicator_id
    left join available as enclosing
        on enclosing.region_ars = partners.kreis_ars
        and enclosing.indicator_id = indicators.indicator_id
),

final as (
    select
        choice.partner_id,
        choice.partner_name,
        choice.partner_ars,
        indicator_values.indicator_id,
        indicator_values.period,
        indicator_values.period_start,
        indicator_values.period_end,
        indicator_values.value,
        indicator_values.unit,
        choice.measured_ars,
        measured.name as measured_name,
        choice.measured_ars <> choice.partner_ars as is_inherited,
        indicator_values.source_id,
        indicator_values.is_sample,
        indicator_values.is_suppressed,
        indicator_values.quality_flag,
    from choice
    inner join indicator_values
        on indicator_values.region_ars = choice.measured_ars
        and indicator_values.indicator_id = choice.indicator_id
    inner join regions as measured on measured.ars = choice.measured_ars
)

select * from final
