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
        is_sample,
        last_load_id,
        try_cast(last_loaded_at as timestamptz) as last_loaded_at,
    from source
)

select * from renamed
