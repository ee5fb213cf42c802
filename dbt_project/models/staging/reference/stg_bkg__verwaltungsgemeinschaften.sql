-- DuckDB reads a GeoJSON FeatureCollection as one row per feature (properties as columns).
with

source as (
    select * exclude (geometry) from {{ source('bkg', 'verwaltungsgemeinschaften') }}
),

renamed as (
    select
        cast(ARS as varchar) as ars_source,
        nullif(cast(AGS as varchar), '--------') as ags,
        GEN as name,
        BEZ as bez,
        cast(BEGINN as date) as valid_from,
    from source
)

select * from renamed
