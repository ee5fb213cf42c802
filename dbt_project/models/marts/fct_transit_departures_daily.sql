-- Scheduled departures per stop (platform) and day of the timetable's reference week (natural
-- grain of the public-transport indicators), with the Gemeinde and Kreis of the stop.
with

departures as (
    select * from {{ ref('int_transit_departures__by_stop_day') }}
),

stops as (
    select * from {{ ref('int_transit_stops__located') }}
),

final as (
    select
        departures.stop_id,
        stops.stop_name,
        stops.parent_station,
        departures.day,
        departures.departures,
        stops.gemeinde_ars as region_ars,
        stops.kreis_ars,
        departures.load_id as source_load_id,
    from departures
    inner join stops using (stop_id)
)

select * from final
