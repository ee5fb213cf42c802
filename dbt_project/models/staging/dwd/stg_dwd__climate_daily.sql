-- Daily climate per station; the newest load's version of each day.
with

source as (
    select * from {{ source('dwd_klima_potsdam', 'daily') }}
),

latest as (
    select * from source
    qualify row_number() over (
        partition by station_id, day order by _load_id desc
    ) = 1
),

renamed as (
    select
        lpad(cast(station_id as varchar), 5, '0') as station_id,
        day,
        quality,
        precipitation_mm,
        precipitation_form,
        sunshine_h,
        snow_depth_cm,
        temp_mean_c,
        temp_max_c,
        temp_min_c,
        humidity_pct,
        wind_mean_ms,
        wind_max_ms,
        _load_id as load_id,
    from latest
)

select * from renamed
