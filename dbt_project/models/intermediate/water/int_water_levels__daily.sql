-- 15-minute readings de-duplicated across overlapping polls (latest load wins) and aggregated
-- to calendar days in Europe/Berlin.
with

measurements as (
    select * from {{ ref('stg_pegelonline__measurements') }}
),

gauges as (
    select * from {{ ref('int_gauges__located') }}
),

deduplicated as (
    select * from measurements
    qualify row_number() over (partition by station_uuid, measured_at order by load_id desc) = 1
),

daily as (
    select
        station_uuid,
        cast(timezone('Europe/Berlin', measured_at) as date) as day,
        avg(value_cm) as mean_cm,
        sum(value_cm) as sum_cm,
        min(value_cm) as min_cm,
        max(value_cm) as max_cm,
        count(*) as n_values,
        list_sort(list_distinct(list(load_id))) as load_ids,
    from deduplicated
    group by all
),

final as (
    select
        gauges.gauge_number,
        gauges.gauge_name,
        gauges.water_name,
        daily.day,
        round(daily.mean_cm, 1) as mean_cm,
        daily.sum_cm,
        daily.min_cm,
        daily.max_cm,
        daily.n_values,
        daily.load_ids,
        gauges.gemeinde_ars as region_ars,
    from daily
    inner join gauges using (station_uuid)
)

select * from final
