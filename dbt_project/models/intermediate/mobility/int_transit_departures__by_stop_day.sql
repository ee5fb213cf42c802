-- Scheduled departures per stop (platform) and day in the reference week of the timetable: the
-- first full week (Monday to Sunday) of the release's validity. A trip's last stop is an arrival,
-- not a departure. Days are service days of the timetable (Europe/Berlin).
-- A table, not a view: a build that does not touch this domain's sources reads it instead of
-- recomputing it from the raw data (see regiohub.build.incremental).
{{ config(materialized='table') }}

with

stop_times as (
    select * from {{ ref('stg_vbb__stop_times') }}
),

trips as (
    select * from {{ ref('stg_vbb__trips') }}
),

calendar as (
    select * from {{ ref('stg_vbb__calendar') }}
),

first_monday as (
    select
        min(start_date)
        + to_days(cast((8 - isodow(min(start_date))) % 7 as integer)) as monday,
    from calendar
),

reference_week as (
    select cast(monday + to_days(cast(offset_days as integer)) as date) as day,
    from first_monday, range(7) as t(offset_days)
),

running as (
    select reference_week.day, calendar.service_id,
    from reference_week
    inner join calendar
        on reference_week.day between calendar.start_date and calendar.end_date
        and [
            calendar.monday, calendar.tuesday, calendar.wednesday, calendar.thursday,
            calendar.friday, calendar.saturday, calendar.sunday
        ][isodow(reference_week.day)] = 1
),

departures as (
    select stop_times.*, trips.service_id,
    from stop_times
    inner join trips using (trip_id)
    qualify stop_times.stop_sequence
        < max(stop_times.stop_sequence) over (partition by stop_times.trip_id)
),

final as (
    select
        departures.stop_id,
        running.day,
        count(*) as departures,
        max(departures.load_id) as load_id,
    from departures
    inner join running using (service_id)
    group by all
)

select * from final
