-- One value per Kreis and indicator; each release replaces the previous one.
with

source as (
    select * from {{ source('deutschlandatlas_aerzte', 'values') }}
),

latest as (
    {{ latest_load('source') }}
),

renamed as (
    select
        kreis_ags,
        rpad(kreis_ags, 12, '0') as kreis_ars,
        region_name,
        indicator,
        value,
        reference_year,
        _load_id as load_id,
    from latest
)

select * from renamed
