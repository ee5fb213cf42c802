-- Land → Kreis → Amt/Verwaltungsgemeinschaft → Gemeinde of the cooperation's Land at the newest
-- Gebietsstand of the region reference (Destatis GV100AD), every unit keyed by a 12-digit ARS.
-- A unit whose key a higher level already has (a kreisfreie Stadt is at once Kreis, Verband and
-- Gemeinde) appears once, at the highest level. Plus the Kooperationsraum under the Land.
with

cooperation as (
    select * from {{ ref('stg_registry__cooperation') }}
),

reference as (
    select regions.*
    from {{ ref('stg_reference__regions') }} as regions
    inner join cooperation on regions.land = cooperation.land_key
    where regions.is_current
),

units as (
    select
        reference.ars,
        case reference.level
            when 'gemeinde' then reference.ars
            when 'verband' then left(reference.ars, 9)
            else reference.ags
        end as ars_source,
        reference.ags,
        reference.name,
        reference.bez,
        case reference.level
            when 'verband' then 'verwaltungsgemeinschaft'
            else reference.level
        end as level,
        case reference.level
            when 'land' then 1 when 'kreis' then 2 when 'verband' then 3 else 4
        end as rank_of_level,
        case when reference.level <> 'land' then reference.parent_ars end as parent_ars,
        reference.kreis_ars,
        reference.first_stand as valid_from,
    from reference
    where reference.level in ('land', 'kreis', 'verband', 'gemeinde')
),

-- a key appears once, at its highest level
deduplicated as (
    select * exclude (rank_of_level)
    from units
    qualify row_number() over (partition by ars order by rank_of_level) = 1
),

-- a parent that is represented at a higher level (a kreisfreie Stadt's Verband) is that unit
with_parents as (
    select deduplicated.* replace (
        coalesce(
            (select d.ars from deduplicated as d where d.ars = deduplicated.parent_ars),
            deduplicated.kreis_ars
        ) as parent_ars
    ),
    from deduplicated
    where deduplicated.level <> 'land'
),

land as (
    select * from deduplicated where level = 'land'
),

cooperation_region as (
    select
        cooperation.cooperation_ars as ars,
        cooperation.cooperation_ars as ars_source,
        cast(null as varchar) as ags,
        cooperation.cooperation_name as name,
        'Kooperationsraum' as bez,
        'kooperationsraum' as level,
        cooperation.land_ars as parent_ars,
        cast(null as varchar) as kreis_ars,
        cast(null as date) as valid_from,
    from cooperation
),

final as (
    select * from land
    union all by name select * from cooperation_region
    union all by name select * from with_parents
)

select ars, ars_source, ags, name, bez, level, parent_ars, kreis_ars, valid_from, from final
