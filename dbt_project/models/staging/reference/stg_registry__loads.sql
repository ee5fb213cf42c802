with

source as (
    select * from {{ source('registry', 'loads') }}
),

renamed as (
    select
        load_id,
        source_id,
        origin,
        origin not in ('publisher', 'operator') as is_sample,
        payload_sha256,
        try_cast(fetched_at as timestamptz) as fetched_at,
        operator_file,
        nullif(urls, '') as urls,
        rows,
        publisher_url,
    from source
)

select * from renamed
