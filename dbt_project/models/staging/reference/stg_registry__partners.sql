with

source as (
    select * from {{ source('registry', 'partners') }}
),

renamed as (
    select
        id as partner_id,
        name as partner_name,
        ars as partner_ars,
        level as partner_level,
        reference_gauge as reference_gauge_number,
    from source
)

select * from renamed
