-- Wastewater samples per site, day and virus; the newest load's version of each sample.
with

source as (
    select * from {{ source('rki_abwasser', 'samples') }}
),

latest as (
    select * from source
    qualify row_number() over (
        partition by site, land, sample_date, pathogen order by _load_id desc
    ) = 1
),

renamed as (
    select
        site,
        land,
        region_ars,
        sample_date,
        pathogen,
        viral_load,
        viral_load_normalised,
        predicted,
        predicted_upper,
        predicted_lower,
        cast(population_connected as bigint) as population_connected,
        lab_change,
        below_quantification_limit,
        layout,
        _load_id as load_id,
    from latest
)

select * from renamed
