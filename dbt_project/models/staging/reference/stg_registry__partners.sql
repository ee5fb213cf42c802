with

source as (
    select * from {{ source('registry', 'partners') }}
),

renamed as (
    select
        cast(id as varchar) as partner_id,
        cast(name as varchar) as partner_name,
        cast(ars as varchar) as partner_ars,
        cast(level as varchar) as partner_level,
        -- a cooperation without gauges leaves every value empty: the type stays text
        cast(reference_gauge as varchar) as reference_gauge_number,
    from source
)

select * from renamed
