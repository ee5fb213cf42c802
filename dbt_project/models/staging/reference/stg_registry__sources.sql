with

source as (
    select * from {{ source('registry', 'sources') }}
),

renamed as (
    select
        id as source_id,
        name,
        domain,
        publisher,
        licence,
        licence_url,
        attribution,
    from source
)

select * from renamed
