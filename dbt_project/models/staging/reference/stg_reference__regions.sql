-- The region reference (Destatis GV100AD) of the cooperation's Land: every unit's key over every
-- Gebietsstand read. is_current: the key is in the newest Gebietsstand; name: the official name
-- without its kind suffix ("Potsdam, Stadt" -> "Potsdam"), official_name as the directory writes it.
with

source as (
    select * from {{ source('registry', 'regions') }}
),

renamed as (
    select
        ars,
        nullif(ags, '') as ags,
        split_part(name, ', ', 1) as name,
        name as official_name,
        nullif(bez, '') as bez,
        level,
        land,
        nullif(kreis_ars, '') as kreis_ars,
        nullif(parent_ars, '') as parent_ars,
        population,
        area_ha,
        first_stand,
        last_stand,
        nullif(successor_ars, '') as successor_ars,
        last_stand = max(last_stand) over (partition by land) as is_current,
    from source
)

select * from renamed
