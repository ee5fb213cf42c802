{{ stg_bkg_units('verwaltungsgemeinschaften') }}
