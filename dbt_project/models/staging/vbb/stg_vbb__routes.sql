-- GTFS routes of the latest release (each release replaces the previous one).
with

source as (
    select * from {{ source('vbb_gtfs', 'routes') }}
),

latest as (
    {{ latest_load('source') }}
),

renamed as (
    select
        route_id,
        agency_id,
        route_short_name,
        route_long_name,
        route_type,
        _load_id as load_id,
    from latest
)

select * from renamed
