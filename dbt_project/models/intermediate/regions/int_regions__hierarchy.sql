-- Land → Kreis → Amt/Verwaltungsgemeinschaft → Gemeinde, every unit keyed by a 12-digit ARS.
-- A kreisfreie Stadt is at once Kreis, Verwaltungsgemeinschaft and Gemeinde: it appears once, as Kreis.
-- Plus the Kooperationsraum (synthetic key, var cooperation_ars) under the Land.
with

kreise as (
    select * from {{ ref('stg_bkg__kreise') }}
),

verwaltungsgemeinschaften as (
    select * from {{ ref('stg_bkg__verwaltungsgemeinschaften') }}
),

gemeinden as (
    select * from {{ ref('stg_bkg__gemeinden') }}
),

cooperation as (
    select
        '{{ var("cooperation_ars") }}' as ars,
        '{{ var("cooperation_ars") }}' as ars_source,
        cast(null as varchar) as ags,
        '{{ var("cooperation_name") }}' as name,
        'Kooperationsraum' as bez,
        'kooperationsraum' as level,
        '120000000000' as parent_ars,
        cast(null as varchar) as kreis_ars,
        cast(null as date) as valid_from,
),

kreisfrei as (
    select ars_source as kreis_key from kreise where bez = 'Kreisfreie Stadt'
),

land as (
    select
        '120000000000' as ars,
        '12' as ars_source,
        '12' as ags,
        'Brandenburg' as name,
        'Land' as bez,
        'land' as level,
        cast(null as varchar) as parent_ars,
        cast(null as varchar) as kreis_ars,
        cast(null as date) as valid_from,
),

kreis_rows as (
    select
        rpad(ars_source, 12, '0') as ars,
        ars_source,
        ags,
        name,
        bez,
        'kreis' as level,
        '120000000000' as parent_ars,
        rpad(ars_source, 12, '0') as kreis_ars,
        valid_from,
    from kreise
),

vg_rows as (
    select
        rpad(ars_source, 12, '0') as ars,
        ars_source,
        ags,
        name,
        bez,
        'verwaltungsgemeinschaft' as level,
        rpad(left(ars_source, 5), 12, '0') as parent_ars,
        rpad(left(ars_source, 5), 12, '0') as kreis_ars,
        valid_from,
    from verwaltungsgemeinschaften
    where left(ars_source, 5) not in (select kreis_key from kreisfrei)
),

gemeinde_rows as (
    select
        ars_source as ars,
        ars_source,
        ags,
        name,
        bez,
        'gemeinde' as level,
        rpad(left(ars_source, 9), 12, '0') as parent_ars,
        rpad(left(ars_source, 5), 12, '0') as kreis_ars,
        valid_from,
    from gemeinden
    where left(ars_source, 5) not in (select kreis_key from kreisfrei)
),

final as (
    select * from land
    union all select * from cooperation
    union all select * from kreis_rows
    union all select * from vg_rows
    union all select * from gemeinde_rows
)

select * from final
