-- Population per Gemeinde at the census reference date; the latest load replaces earlier ones.
with

source as (
    select * from {{ source('zensus2022_bevoelkerung', 'values') }}
),

latest as (
    {{ latest_load('source') }}
),

renamed as (
    select
        region_code as ars,
        region_label as region_name,
        reference_date,
        cast(value as bigint) as population,
        quality_flag,
        _load_id as load_id,
    from latest
    where region_variable = 'GEOGM4'
        and value_variable_code = 'PRS018'
)

select * from renamed
