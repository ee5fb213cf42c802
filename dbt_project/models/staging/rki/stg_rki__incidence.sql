-- The RKI file is rebuilt in full every day: keep the latest load only.
with

source as (
    select * from {{ source('rki_inzidenz', 'incidence') }}
),

latest as (
    {{ latest_load('source') }}
),

renamed as (
    select
        report_date,
        district_id as kreis_ags,
        rpad(district_id, 12, '0') as kreis_ars,
        population,
        cases_total,
        cases_new,
        cases_7_days,
        incidence_7_days,
        _load_id as load_id,
    from latest
)

select * from renamed
