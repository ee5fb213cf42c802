-- Population on 31 December per Brandenburg region key as published (Gemeinde AGS from table
-- 12411-01-01-5, Kreis and Land keys from 12411-01-01-4), total over sex; newest load wins.
with

source as (
    select * from {{ source('regionalstatistik_bevoelkerung', 'values') }}
),

latest as (
    select * from source
    where value_variable_code = 'BEVSTD'
        and variable_2_attribute_code is null
        and region_code like '12%'
        and (value is not null or quality_flag = '-')
    qualify row_number() over (
        partition by region_code, reference_date order by _load_id desc
    ) = 1
),

renamed as (
    select
        region_code as ags,
        region_label as region_name,
        reference_date,
        year(reference_date) as year,
        -- loads from before flags were quarantined may hold "-" as NULL: it means 0
        cast(
            coalesce(value, case when quality_flag = '-' then 0 end) as bigint
        ) as population,
        quality_flag,
        _load_id as load_id,
    from latest
)

select * from renamed
