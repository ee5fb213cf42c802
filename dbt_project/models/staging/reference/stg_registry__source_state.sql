with

source as (
    select * from {{ source('registry', 'source_state') }}
),

renamed as (
    select
        source_id,
        is_sample,
        last_load_id,
        try_cast(last_loaded_at as timestamptz) as last_loaded_at,
    from source
)

select * from renamed
