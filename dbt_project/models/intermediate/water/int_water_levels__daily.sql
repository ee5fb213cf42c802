-- 15-minute readings de-duplicated across overlapping polls (latest load wins) and aggregated
-- to calendar days in Europe/Berlin.
--
-- Incremental: a build with new PEGELONLINE loads recomputes only the gauge days those loads touch
-- (from every load, so the latest load still wins), all days of a gauge whose name, water or
-- Gemeinde changed, and drops gauges that are gone; the result equals a full rebuild.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['station_uuid', 'day'],
    on_schema_change='fail',
    post_hook=[
        "{% if is_incremental() %}delete from {{ this }} where station_uuid not in "
        ~ "(select station_uuid from {{ ref('int_gauges__located') }}){% endif %}"
    ],
) }}
with

measurements as (
    select * from {{ ref('stg_pegelonline__measurements') }}
),

gauges as (
    select * from {{ ref('int_gauges__located') }}
),

{% if is_incremental() %}
built as (
    select max(list_max(load_ids)) as load_id from {{ this }}
),

moved as (
    -- gauges whose attributes differ from what the table holds: all their days are rebuilt
    select distinct this.station_uuid
    from {{ this }} as this
    left join gauges
        on gauges.station_uuid = this.station_uuid
        and gauges.gauge_number is not distinct from this.gauge_number
        and gauges.gauge_name is not distinct from this.gauge_name
        and gauges.water_name is not distinct from this.water_name
        and gauges.gemeinde_ars is not distinct from this.region_ars
    where gauges.station_uuid is null
),

changed as (
    select distinct station_uuid, cast(timezone('Europe/Berlin', measured_at) as date) as day
    from measurements
    where load_id > (select coalesce(load_id, '') from built)
),

selected as (
    select * from measurements
    where station_uuid in (select station_uuid from moved)
        or (station_uuid, cast(timezone('Europe/Berlin', measured_at) as date))
            in (select (station_uuid, day) from changed)
        or station_uuid not in (select station_uuid from {{ this }})
),
{% else %}
selected as (
    select * from measurements
),
{% endif %}

deduplicated as (
    select * from selected
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
        daily.station_uuid,
    from daily
    inner join gauges using (station_uuid)
)

select * from final
