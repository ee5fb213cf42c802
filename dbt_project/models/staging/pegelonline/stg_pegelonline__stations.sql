-- Station metadata: keep the latest load's description of each station.
with

source as (
    select * from {{ source('pegelonline', 'stations') }}
),

latest as (
    select * from source
    qualify row_number() over (partition by uuid order by _load_id desc) = 1
),

renamed as (
    select
        uuid as station_uuid,
        number as gauge_number,
        shortname as gauge_name,
        longname as gauge_longname,
        km as river_km,
        agency,
        longitude,
        latitude,
        water_shortname,
        water_longname as water_name,
        w_unit as unit,
        w_equidistance_minutes as equidistance_minutes,
        gauge_zero_value as gauge_zero_m,
        gauge_zero_unit,
        _load_id as load_id,
    from latest
)

select * from renamed
