-- Each monthly release is a full register: keep the latest load only.
with

source as (
    select * from {{ source('ladesaeulenregister', 'charging_facilities') }}
),

latest as (
    {{ latest_load('source') }}
),

renamed as (
    select
        -- the register's own id; the older layout has none: one facility per line (record_key)
        coalesce(
            facility_id, record_key,
            md5(concat_ws('|', operator, street, house_number, postcode, commissioned_on))
        ) as facility_id,
        operator,
        status,
        facility_type,
        facility_type = 'Schnellladeeinrichtung' as is_fast_charging,
        charging_points,
        power_kw,
        commissioned_on,
        street,
        house_number,
        postcode,
        city,
        district,
        state,
        latitude,
        longitude,
        release_date,
        _load_id as load_id,
    from latest
)

select * from renamed
