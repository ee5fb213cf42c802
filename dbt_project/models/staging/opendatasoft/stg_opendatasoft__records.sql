-- Records of every Opendatasoft source; each load of a source replaces its previous one.
with

source as (
    select * from {{ source('opendatasoft', 'ods_records') }}
),

latest as (
    select * from source
    qualify _load_id = max(_load_id) over (partition by _source_id)
),

renamed as (
    select
        _source_id as source_id,
        record_number,
        cast(record as json) as record,
        _load_id as load_id,
    from latest
)

select * from renamed
