-- GTFS calendar of the latest release (each release replaces the previous one).
with

source as (
    select * from {{ source('vbb_gtfs', 'calendar') }}
),

latest as (
    {{ latest_load('source') }}
),

renamed as (
    select
        service_id,
        monday,
        tuesday,
        wednesday,
        thursday,
        friday,
        saturday,
        sunday,
        start_date,
        end_date,
        _load_id as load_id,
    from latest
)

select * from renamed
