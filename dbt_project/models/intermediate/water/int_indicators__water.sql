-- Water indicators per partner: the daily and monthly statistics of its reference gauge
-- (Europe/Berlin calendar days and months). Monthly means are recomputed from the sums and counts
-- of the 15-minute readings, never averaged from daily means.
-- A table, not a view: a build that does not touch this domain's sources reads it instead of
-- recomputing it from the raw data (see regiohub.build.incremental).
{{ config(materialized='table') }}

with

daily as (
    select * from {{ ref('int_water_levels__daily') }}
),

partners as (
    select * from {{ ref('stg_registry__partners') }}
),

partner_days as (
    select partners.partner_ars as region_ars, daily.*,
    from partners
    inner join daily on daily.gauge_number = partners.reference_gauge_number
),

monthly as (
    select
        region_ars,
        date_trunc('month', day) as month,
        sum(sum_cm) as sum_cm,
        sum(n_values) as n_values,
        max(max_cm) as max_cm,
        min(min_cm) as min_cm,
        list_distinct(flatten(list(load_ids))) as load_ids,
    from partner_days
    group by all
),

daily_values as (
    select
        region_ars,
        unnest([
            'wasserstand_tagesmittel', 'wasserstand_tagesmax',
            'wasserstand_tagesmin', 'wasserstand_tagesspanne'
        ]) as indicator_id,
        strftime(day, '%Y-%m-%d') as period,
        day as period_start,
        day as period_end,
        unnest([sum_cm, null, null, null]) as numerator,
        unnest([n_values, null, null, null]) as denominator,
        unnest([mean_cm, max_cm, min_cm, max_cm - min_cm]) as value,
        load_ids as source_load_ids,
    from partner_days
),

monthly_values as (
    select
        region_ars,
        unnest([
            'wasserstand_monatsmittel', 'wasserstand_monatsmax',
            'wasserstand_monatsmin'
        ]) as indicator_id,
        strftime(month, '%Y-%m') as period,
        cast(month as date) as period_start,
        last_day(month) as period_end,
        unnest([sum_cm, null, null]) as numerator,
        unnest([n_values, null, null]) as denominator,
        unnest([round(sum_cm / n_values, 1), max_cm, min_cm]) as value,
        load_ids as source_load_ids,
    from monthly
),

unioned as (
    select * from daily_values
    union all
    select * from monthly_values
),

final as (
    select
        region_ars,
        indicator_id,
        period,
        period_start,
        period_end,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        cast(value as double) as value,
        source_load_ids,
    from unioned
)

select * from final
