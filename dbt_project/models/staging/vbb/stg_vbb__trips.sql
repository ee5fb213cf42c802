-- GTFS trips of the latest release (each release replaces the previous one).
with

source as (
    select * from {{ source('vbb_gtfs', 'trips') }}
),

latest as (
    {{ latest_load('source') }}
),

renamed as (
    select
        trip_id,
        route_id,
        service_id,
        trip_headsign,
        direction_id,
        _load_id as load_id,
    from latest
)

select * from renamed
