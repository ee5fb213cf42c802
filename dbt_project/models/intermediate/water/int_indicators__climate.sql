-- Climate per calendar month at the DWD reference station, for the regions it stands for
-- (seed climate_station_regions): precipitation sum, longest dry spell (consecutive days with
-- less than 1.0 mm, within the month; a missing day ends a spell) and hot days (max. ≥ 30 °C).
-- A table, not a view: a build that does not touch this domain's sources reads it instead of
-- recomputing it from the raw data (see regiohub.build.incremental).
{{ config(materialized='table') }}

with

climate as (
    select * from {{ ref('stg_dwd__climate_daily') }}
),

stations as (
    select * from {{ ref('climate_station_regions') }}
),

days as (
    select
        station_id,
        day,
        date_trunc('month', day) as month,
        precipitation_mm,
        temp_max_c,
        precipitation_mm < 1.0 as is_dry,
        load_id,
    from climate
),

dry_runs as (
    select
        station_id,
        month,
        count(*) as run_days,
    from (
        select
            *,
            date_diff('day', month, day)
                - row_number() over (partition by station_id, month order by day)
                as run_key,
        from days
        where is_dry
    )
    group by station_id, month, run_key
),

longest_dry as (
    select station_id, month, max(run_days) as longest_dry_spell,
    from dry_runs
    group by all
),

monthly as (
    select
        days.station_id,
        days.month,
        sum(days.precipitation_mm) as precipitation_mm,
        count(days.precipitation_mm) as n_days,
        count(*) filter (where days.temp_max_c >= 30) as hot_days,
        coalesce(max(longest_dry.longest_dry_spell), 0) as longest_dry_spell,
        list_sort(list_distinct(list(days.load_id))) as load_ids,
    from days
    left join longest_dry using (station_id, month)
    group by all
),

measures as (
    select
        stations.region_ars,
        monthly.month,
        unnest([
            'niederschlag_monatssumme', 'trockenperiode_laengste', 'hitzetage'
        ]) as indicator_id,
        unnest([
            round(monthly.precipitation_mm, 1), monthly.longest_dry_spell,
            monthly.hot_days
        ]) as numerator,
        monthly.load_ids,
    from monthly
    inner join stations using (station_id)
),

final as (
    select
        region_ars,
        indicator_id,
        strftime(month, '%Y-%m') as period,
        cast(month as date) as period_start,
        last_day(month) as period_end,
        cast(numerator as double) as numerator,
        cast(null as double) as denominator,
        cast(numerator as double) as value,
        load_ids as source_load_ids,
    from measures
)

select * from final
