-- GTFS stop_times of the latest release (each release replaces the previous one).
with

source as (
    select * from {{ source('vbb_gtfs', 'stop_times') }}
),

latest as (
    {{ latest_load('source') }}
),

renamed as (
    select
        trip_id,
        stop_sequence,
        stop_id,
        arrival_time,
        departure_time,
        cast(
            epoch(try_cast(departure_time as interval)) as integer
        ) as departure_seconds,
        _load_id as load_id,
    from latest
)

select * from renamed
