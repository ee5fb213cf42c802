{#-
    Staging for one BKG boundary file: DuckDB reads a GeoJSON FeatureCollection as one row per
    feature with the properties as columns; the geometry stays in the file (maps read it there).
-#}
{% macro stg_bkg_units(level) %}
with

source as (
    select * exclude (geometry) from {{ source('bkg', level) }}
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
{% endmacro %}
