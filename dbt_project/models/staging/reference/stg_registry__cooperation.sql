-- The cooperation as the registry defines it: the Kooperationsraum's key and name and the Land its
-- partners lie in (key and name of the Land from the region reference). One row.
with

source as (
    select * from {{ source('registry', 'cooperation') }}
),

regions as (
    select * from {{ ref('stg_reference__regions') }}
),

renamed as (
    select
        source.cooperation_ars,
        source.cooperation_name,
        source.land as land_key,
        source.land_ars,
        coalesce(
            (
                select any_value(regions.name) from regions
                where regions.level = 'land' and regions.ars = source.land_ars
            ),
            'Land ' || source.land
        ) as land_name,
    from source
)

select * from renamed
