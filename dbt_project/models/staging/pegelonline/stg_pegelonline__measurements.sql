with

source as (
    select * from {{ source('pegelonline', 'measurements') }}
),

renamed as (
    select
        station_uuid,
        cast(measured_at as timestamptz) as measured_at,
        value_cm,
        _load_id as load_id,
    from source
)

select * from renamed
