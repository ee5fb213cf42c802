-- Stops of the latest release; the Kreis from the DHID, coordinates for point in polygon.
with

source as (
    select * from {{ source('vbb_gtfs', 'stops') }}
),

latest as (
    {{ latest_load('source') }}
),

renamed as (
    select
        stop_id,
        stop_name,
        stop_lat as latitude,
        stop_lon as longitude,
        coalesce(location_type, 0) as location_type,
        parent_station,
        platform_code,
        wheelchair_boarding,
        kreis_ags,
        rpad(kreis_ags, 12, '0') as kreis_ars,
        _load_id as load_id,
    from latest
)

select * from renamed
